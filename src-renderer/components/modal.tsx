// A modal dialog on the native <dialog> element: focus is trapped by the browser, Escape goes
// through onRequestClose so a dialog can refuse to close (an unsaved secret). It opens on its
// first field (not on the × button), and when it goes, focus returns to where it was.
import { useEffect, useRef, type ReactNode } from 'react';
import { Icon } from './icons.tsx';
import './modal.css';

const FIELDS = 'input:not([type="hidden"]):not([disabled]), select:not([disabled]), textarea:not([disabled])';
const BUTTONS = 'button:not([disabled]):not(.modal-close), [href], [tabindex]:not([tabindex="-1"])';
/** How long a dialog whose fields arrive later (a form asking the backend first) waits to focus the first. */
const LATE_FIELDS_MS = 10_000;

/**
 * Where a dialog's focus starts: its first field; else an element marked autofocus; else its first
 * button that does not destroy anything (Cancel before Delete).
 */
function firstStop(dialog: HTMLElement): HTMLElement | null {
  const field = dialog.querySelector<HTMLElement>(`.modal-body :is(${FIELDS})`);
  if (field) return field;
  const marked = dialog.querySelector<HTMLElement>('[autofocus], [data-autofocus]');
  if (marked) return marked;
  const buttons = [...dialog.querySelectorAll<HTMLElement>(BUTTONS)];
  return buttons.find((b) => !b.classList.contains('danger')) ?? buttons[0] ?? null;
}

/** Focus is still where the dialog put it (nowhere, or its own × button): the dialog may move it. */
function untouched(dialog: HTMLElement): boolean {
  const active = document.activeElement;
  return active === null || active === document.body || active === dialog || (active instanceof HTMLElement && active.classList.contains('modal-close'));
}

export function Modal(props: {
  title: string;
  onRequestClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  width?: 'narrow' | 'wide';
  labelledBy?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  // Taken once: a second run of the effect (React's development double mount) would see the dialog's own field.
  const openerRef = useRef<HTMLElement | null | undefined>(undefined);
  const { onRequestClose } = props;

  // Opening: remember what had the focus, open modal, and start on the first field. The focus
  // goes back when the dialog leaves the page (React removes it without close(), so the browser
  // would not restore it); to the main content if what had it is gone.
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (openerRef.current === undefined) {
      openerRef.current = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
    }
    const opener = openerRef.current;
    if (!dialog.open) dialog.showModal();
    const first = firstStop(dialog);
    if (first && (first.matches(FIELDS) || untouched(dialog))) first.focus();
    let observer: MutationObserver | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (!first?.matches(FIELDS)) {
      // Fields that arrive later (a form built from what the backend offers) get the focus when they
      // do, unless the user has moved it meanwhile.
      observer = new MutationObserver(() => {
        const field = dialog.querySelector<HTMLElement>(`.modal-body :is(${FIELDS})`);
        if (!field) return;
        if (untouched(dialog) || document.activeElement === first) field.focus();
        observer?.disconnect();
      });
      observer.observe(dialog, { childList: true, subtree: true });
      timer = setTimeout(() => observer?.disconnect(), LATE_FIELDS_MS);
    }
    return () => {
      observer?.disconnect();
      clearTimeout(timer);
      // After React's commit: the element that opened it may be re-rendered in the same pass.
      requestAnimationFrame(() => {
        if (document.querySelector('dialog[open]')) return;
        const back = opener?.isConnected ? opener : document.getElementById('main');
        back?.focus({ preventScroll: opener?.isConnected !== true });
      });
    };
  }, []);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
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
        <button type="button" className="icon-button modal-close" aria-label="Close dialog" onClick={onRequestClose}>
          <Icon name="x" />
        </button>
      </header>
      <div className="modal-body">{props.children}</div>
      {props.footer && <footer className="modal-footer">{props.footer}</footer>}
    </dialog>
  );
}
