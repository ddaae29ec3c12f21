/**
 * A text box backed by a search param: typing stays instant (local state) and the URL follows a moment later, so a
 * filtered catalog is a link someone can share without a navigation per keystroke.
 */
import { useEffect, useRef, useState } from 'react';

export function useUrlText(
  fromUrl: string | undefined,
  writeUrl: (value: string | undefined) => void,
  delayMs = 250,
) {
  const [value, setValue] = useState(fromUrl ?? '');
  const write = useRef(writeUrl);
  write.current = writeUrl;
  const lastWritten = useRef(fromUrl ?? '');

  // Back/forward: the URL changed under us.
  useEffect(() => {
    if ((fromUrl ?? '') !== lastWritten.current) {
      lastWritten.current = fromUrl ?? '';
      setValue(fromUrl ?? '');
    }
  }, [fromUrl]);

  useEffect(() => {
    if (value === lastWritten.current) return;
    const timer = window.setTimeout(() => {
      lastWritten.current = value;
      write.current(value === '' ? undefined : value);
    }, delayMs);
    return () => window.clearTimeout(timer);
  }, [value, delayMs]);

  return [value, setValue] as const;
}
