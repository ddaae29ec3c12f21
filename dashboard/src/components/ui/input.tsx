/** The bare input, for places that label it another way (a search box with `aria-label`). */
import { forwardRef, type InputHTMLAttributes } from 'react';

export const Input = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement>>(function Input(
  { className, ...props },
  ref,
) {
  return <input ref={ref} className={`input ${className ?? ''}`} {...props} />;
});

export { TextField as LabelledInput } from './field';
