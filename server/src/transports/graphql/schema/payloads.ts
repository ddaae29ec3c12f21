/** Small result objects shared by mutations that have nothing else to return. */
import { builder } from '../builder';

export const DeletedPayload = builder
  .objectRef<{ success: boolean }>('DeletedPayload')
  .implement({ fields: (t) => ({ success: t.exposeBoolean('success') }) });

export const UpdatedPayload = builder
  .objectRef<{ success: boolean }>('UpdatedPayload')
  .implement({ fields: (t) => ({ success: t.exposeBoolean('success') }) });
