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
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
// without vitest globals, testing-library does not unmount between tests by itself
afterEach(() => cleanup());
