import type { ReactNode } from 'react';
import { Icon } from './icons.tsx';
import './banner.css';

const ICONS = { error: 'alert', warning: 'alert', info: 'info', success: 'check' } as const;

export function Banner(props: {
  tone: 'error' | 'info' | 'warning' | 'success';
  title: string;
  children?: ReactNode;
  onDismiss?: () => void;
}) {
  return (
    <div className={`banner banner-${props.tone}`} role={props.tone === 'error' ? 'alert' : 'status'}>
      <span className="banner-icon">
        <Icon name={ICONS[props.tone]} />
      </span>
      <div className="banner-text">
        <strong>{props.title}</strong>
        {props.children && <div className="banner-message">{props.children}</div>}
      </div>
      {props.onDismiss && (
        <button type="button" className="icon-button" aria-label={`Dismiss: ${props.title}`} onClick={props.onDismiss}>
          <Icon name="x" />
        </button>
      )}
    </div>
  );
}
