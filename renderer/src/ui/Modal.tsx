import { useEffect, useRef, type ReactNode } from 'react';

export interface ModalProps {
  /** Accessible name: the id of the element that titles the dialog. */
  labelledBy: string;
  onClose: () => void;
  testId: string;
  className?: string;
  children: ReactNode;
}

/**
 * A modal on the native <dialog>: the browser keeps focus inside, puts it above everything (nested modals
 * stack), and Escape closes it.
 */
export function Modal({ labelledBy, onClose, testId, className, children }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  useEffect(() => {
    const el = ref.current;
    if (el && !el.open) el.showModal();
    return () => {
      if (el?.open) el.close();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={`modal ${className ?? ''}`}
      aria-labelledby={labelledBy}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        onCloseRef.current();
      }}
    >
      {children}
    </dialog>
  );
}
