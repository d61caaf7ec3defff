import { describe, expect, it } from 'vitest';
import { allCatalogs, translate } from './index';

describe('message catalogs', () => {
  it('have the same keys in every language, so switching never shows a raw key', () => {
    const zh = Object.keys(allCatalogs['zh-CN']).sort();
    const en = Object.keys(allCatalogs.en).sort();
    expect(en.filter((k) => !zh.includes(k))).toEqual([]);
    expect(zh.filter((k) => !en.includes(k))).toEqual([]);
  });

  it('fills variables and defaults to Chinese', () => {
    expect(translate(allCatalogs['zh-CN'], 'dashboard.tasks', { running: 2, paused: 1 }))
      .toBe('进行中的任务（发送中 2，已暂停 1）');
    expect(translate(allCatalogs.en, 'dashboard.tasks', { running: 2, paused: 1 }))
      .toBe('Tasks in progress (2 sending, 1 paused)');
  });
});
