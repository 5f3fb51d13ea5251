// A modal dialog on the native <dialog> element: focus is trapped and restored by the browser,
// and Escape goes through onRequestClose so a dialog can refuse to close (an unsaved secret).
import { useEffect, useRef, type ReactNode } from 'react';
import { Icon } from './icons.tsx';
import './modal.css';

export function Modal(props: {
  title: string;
  onRequestClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  width?: 'narrow' | 'wide';
  labelledBy?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const { onRequestClose } = props;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    const onCancel = (event: Event) => {
      event.preventDefault();
      onRequestClose();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => dialog.removeEventListener('cancel', onCancel);
  }, [onRequestClose]);

  const titleId = props.labelledBy ?? 'modal-title';
  return (
    <dialog ref={ref} className={`modal modal-${props.width ?? 'narrow'}`} aria-labelledby={titleId}>
      <header className="modal-header">
        <h2 id={titleId}>{props.title}</h2>
        <button type="button" className="icon-button" aria-label="Close dialog" onClick={onRequestClose}>
          <Icon name="x" />
        </button>
      </header>
      <div className="modal-body">{props.children}</div>
      {props.footer && <footer className="modal-footer">{props.footer}</footer>}
    </dialog>
  );
}
