/**
 * A panel that slides in from the right over a list (an operation's messages, a delivery's attempts), so the list
 * keeps its place behind it. Radix Dialog underneath: focus moves in, Escape closes, focus returns to what opened it.
 */
import * as RadixDialog from '@radix-ui/react-dialog';
import type { ReactNode } from 'react';
import { XIcon } from '../ui/icons';
import './activity.css';

export function SideSheet({
  open,
  onClose,
  title,
  description,
  actions,
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <RadixDialog.Root open={open} onOpenChange={(next) => (next ? undefined : onClose())}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="sheet-overlay" />
        <RadixDialog.Content className="sheet" {...(description ? {} : { 'aria-describedby': undefined })}>
          <div className="sheet-header">
            <div className="sheet-heading">
              <RadixDialog.Title className="sheet-title">{title}</RadixDialog.Title>
              {description ? (
                <RadixDialog.Description className="sheet-description">{description}</RadixDialog.Description>
              ) : null}
            </div>
            <div className="row">
              {actions}
              <RadixDialog.Close className="icon-button" aria-label="Close">
                <XIcon />
              </RadixDialog.Close>
            </div>
          </div>
          <div className="sheet-body">{children}</div>
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
