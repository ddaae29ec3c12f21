/** Tabs (Radix: arrow keys, roles), styled as an underlined row. */
import * as RadixTabs from '@radix-ui/react-tabs';
import type { ComponentProps } from 'react';

export function Tabs(props: ComponentProps<typeof RadixTabs.Root>) {
  return <RadixTabs.Root {...props} className={`tabs ${props.className ?? ''}`} />;
}

export function TabsList(props: ComponentProps<typeof RadixTabs.List>) {
  return <RadixTabs.List {...props} className={`tabs-list ${props.className ?? ''}`} />;
}

export function TabsTrigger(props: ComponentProps<typeof RadixTabs.Trigger>) {
  return <RadixTabs.Trigger {...props} className={`tabs-trigger ${props.className ?? ''}`} />;
}

export function TabsContent(props: ComponentProps<typeof RadixTabs.Content>) {
  return <RadixTabs.Content {...props} className={`tabs-content ${props.className ?? ''}`} />;
}
