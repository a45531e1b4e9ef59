export { PrivacyView } from './PrivacyView.tsx';
