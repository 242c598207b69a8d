// Dark by default (the issue asks for it); a person's choice is remembered.
const KEY = 'gestalt-theme';

export function initTheme(button) {
  const root = document.documentElement;
  let saved = null;
  try { saved = localStorage.getItem(KEY); } catch { /* storage may be disabled */ }
  root.dataset.theme = saved === 'light' ? 'light' : 'dark';
  button?.addEventListener('click', () => {
    root.dataset.theme = root.dataset.theme === 'dark' ? 'light' : 'dark';
    try { localStorage.setItem(KEY, root.dataset.theme); } catch { /* not remembered then */ }
  });
}
