/** What the components report to the app through `onEvent`. */
export type ConnectEvent =
  | { type: 'ready' }
  | { type: 'connect'; connectionId: string; integration: string }
  | { type: 'error'; code: string; message: string }
  | { type: 'close' };

export type ConnectEventHandler = (event: ConnectEvent) => void;
