/** A provider's logo as Latchkey serves it (`logo_url`); decorative beside the name it always comes with. */
import { useState } from 'react';

export function ProviderLogo({ src, size = 32 }: { src: string | undefined; size?: number }) {
  const [failed, setFailed] = useState(false);
  if (src === undefined || failed) {
    return (
      <span className="int-logo int-logo-empty" style={{ width: size, height: size }} aria-hidden="true" />
    );
  }
  return (
    <img
      className="int-logo"
      src={src}
      alt=""
      width={size}
      height={size}
      loading="lazy"
      decoding="async"
      onError={() => setFailed(true)}
    />
  );
}
