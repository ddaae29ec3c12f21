/**
 * Canvas needs concrete colours, but ours are `light-dark()` CSS variables: each variable is resolved through a
 * probe element's computed `color`, again whenever the theme (toggle or system) changes.
 */
import { useEffect, useState } from 'react';

function resolve(variables: string[]): string[] {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  document.body.append(probe);
  const colors = variables.map((variable) => {
    probe.style.color = `var(${variable})`;
    return getComputedStyle(probe).color;
  });
  probe.remove();
  return colors;
}

export function useResolvedColors(variables: string[]): string[] {
  const key = variables.join(',');
  const [colors, setColors] = useState(() => resolve(variables));
  useEffect(() => {
    const update = () => setColors(resolve(key.split(',')));
    update();
    const media = matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', update);
    const observer = new MutationObserver(update);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => {
      media.removeEventListener('change', update);
      observer.disconnect();
    };
  }, [key]);
  return colors;
}
