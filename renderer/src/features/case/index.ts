export { CasePage } from './CasePage.tsx';
export { CaseStartCard } from './CaseStartCard.tsx';
export { CaseButton, useCaseSession } from './CaseButton.tsx';
