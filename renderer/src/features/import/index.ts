export { ImportDialogHost, loadFile } from './ImportDialog.tsx';
export { FileChooser } from './FileChooser.tsx';
export { OpenFileCard } from './OpenFileCard.tsx';
