/** A menu button (Radix: roving focus, typeahead, Escape). */
import * as RadixMenu from '@radix-ui/react-dropdown-menu';
import type { ComponentProps, ReactNode } from 'react';

export function DropdownMenu({
  trigger,
  children,
  align = 'end',
  label,
}: {
  trigger: ReactNode;
  children: ReactNode;
  align?: 'start' | 'end';
  label?: string;
}) {
  return (
    <RadixMenu.Root>
      <RadixMenu.Trigger asChild>{trigger}</RadixMenu.Trigger>
      <RadixMenu.Portal>
        <RadixMenu.Content className="menu" align={align} sideOffset={6} aria-label={label}>
          {children}
        </RadixMenu.Content>
      </RadixMenu.Portal>
    </RadixMenu.Root>
  );
}

export function DropdownMenuItem(props: ComponentProps<typeof RadixMenu.Item>) {
  return <RadixMenu.Item {...props} className={`menu-item ${props.className ?? ''}`} />;
}

export function DropdownMenuLabel(props: ComponentProps<typeof RadixMenu.Label>) {
  return <RadixMenu.Label {...props} className={`menu-label ${props.className ?? ''}`} />;
}

export function DropdownMenuSeparator() {
  return <RadixMenu.Separator className="menu-separator" />;
}
