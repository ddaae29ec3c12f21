/** The components' CSS, inserted once into the document so the library is a single import. */
import { useInsertionEffect } from 'react';

const CSS = `
.lk-root{font-family:var(--lk-font-family);color:var(--lk-text);line-height:1.45;font-size:15px}
.lk-root *{box-sizing:border-box}
.lk-overlay{position:fixed;inset:0;background:var(--lk-overlay);display:flex;align-items:center;justify-content:center;padding:16px;z-index:2147483000}
.lk-dialog{background:var(--lk-background);color:var(--lk-text);border-radius:var(--lk-radius);width:100%;max-width:440px;max-height:calc(100vh - 32px);overflow:auto;padding:20px;box-shadow:0 18px 50px rgba(0,0,0,.3)}
.lk-page .lk-dialog{margin:40px auto;box-shadow:none;border:1px solid var(--lk-border)}
.lk-head{display:flex;align-items:center;gap:8px;margin-bottom:12px}
.lk-head h2{font-size:18px;margin:0;flex:1}
.lk-brand{height:28px;max-width:120px;object-fit:contain}
.lk-muted{color:var(--lk-muted-text);font-size:14px;margin:0 0 12px}
.lk-icon-btn{background:none;border:1px solid transparent;color:var(--lk-text);border-radius:8px;padding:4px 8px;cursor:pointer;font:inherit}
.lk-icon-btn:hover{border-color:var(--lk-border)}
.lk-root :focus-visible{outline:2px solid var(--lk-accent);outline-offset:2px}
.lk-filters{display:flex;gap:8px;margin-bottom:12px}
.lk-input,.lk-select{width:100%;padding:9px 10px;border:1px solid var(--lk-border);border-radius:8px;background:var(--lk-background);color:var(--lk-text);font:inherit}
.lk-select{width:auto;max-width:45%}
.lk-input[aria-invalid=true]{border-color:var(--lk-danger)}
.lk-list{list-style:none;margin:0;padding:0;display:grid;gap:6px}
.lk-item{display:flex;align-items:center;gap:12px;width:100%;padding:10px;border:1px solid var(--lk-border);border-radius:8px;background:var(--lk-surface);color:var(--lk-text);cursor:pointer;font:inherit;text-align:left}
.lk-item:hover{border-color:var(--lk-accent)}
.lk-logo{width:28px;height:28px;object-fit:contain;flex:none}
.lk-item-name{flex:1;font-weight:600}
.lk-item-cat{font-size:12px;color:var(--lk-muted-text)}
.lk-field{margin-bottom:14px}
.lk-label{display:block;font-weight:600;margin-bottom:4px}
.lk-help{display:block;font-size:13px;color:var(--lk-muted-text);margin-top:4px}
.lk-error{display:block;font-size:13px;color:var(--lk-danger);margin-top:4px}
.lk-affix{display:flex;align-items:center;gap:4px}
.lk-affix span{color:var(--lk-muted-text)}
.lk-primary{width:100%;padding:10px 14px;border:0;border-radius:8px;background:var(--lk-accent);color:var(--lk-accent-text);font:inherit;font-weight:600;cursor:pointer}
.lk-primary[disabled]{opacity:.6;cursor:progress}
.lk-trigger{padding:9px 14px;border:0;border-radius:var(--lk-radius);background:var(--lk-accent);color:var(--lk-accent-text);font:inherit;font-weight:600;cursor:pointer}
.lk-alert{border:1px solid var(--lk-danger);color:var(--lk-danger);border-radius:8px;padding:10px;margin-bottom:12px}
.lk-success{color:var(--lk-success);font-weight:600}
.lk-link{color:var(--lk-accent)}
`;

let inserted = false;

/** Adds the stylesheet to `document.head` the first time a component renders. */
export function useWidgetStyles(): void {
  useInsertionEffect(() => {
    if (inserted || document.querySelector('style[data-latchkey-widget]')) {
      inserted = true;
      return;
    }
    const style = document.createElement('style');
    style.setAttribute('data-latchkey-widget', '');
    style.textContent = CSS;
    document.head.appendChild(style);
    inserted = true;
  }, []);
}
