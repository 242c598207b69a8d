// Floating name labels for the hovered and the selected entity: two DOM
// elements repositioned each frame, cheaper and crisper than text in GL.

export function createLabels(container, renderer, nameOf) {
  const make = (cls) => {
    const el = document.createElement('div');
    el.className = `scene-label ${cls}`;
    el.hidden = true;
    container.appendChild(el);
    return el;
  };
  const hoverEl = make('hover');
  const selectedEl = make('selected');
  const place = (el, id) => {
    const pos = id ? renderer.screenPosition(id) : null;
    if (!pos) { if (!el.hidden) el.hidden = true; return; }
    const rect = container.getBoundingClientRect();
    if (el.hidden) el.hidden = false;
    const text = nameOf(id);
    if (el.textContent !== text) el.textContent = text;
    el.style.transform = `translate(${Math.round(pos.x - rect.left)}px, ${Math.round(pos.y - rect.top)}px)`;
  };
  renderer.onFrame(() => {
    const selected = renderer.selected;
    const hovered = renderer.hovered;
    place(selectedEl, selected);
    place(hoverEl, hovered !== selected ? hovered : null);
  });
}
