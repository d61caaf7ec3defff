import '@testing-library/jest-dom/vitest';
// antd reads these browser APIs, which jsdom lacks
Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: (query: string) => ({
    matches: false, media: query, onchange: null,
    addListener: () => {}, removeListener: () => {}, addEventListener: () => {}, removeEventListener: () => {},
    dispatchEvent: () => false,
  }),
});
window.getComputedStyle = ((orig) => (elt: Element) => orig(elt))(window.getComputedStyle);
