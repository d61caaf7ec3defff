// i18n without a library: one flat key -> text map per language, assembled from one file per area
// (common, operator, admin, developer) so that engineers working on different areas never edit the same file.
// zh-CN is the default (the operators are Chinese-speaking); English is one click away and remembered.
import { createContext, ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import zhCN from './zh-CN';
import en from './en';

export type Lang = 'zh-CN' | 'en';
export type Messages = Record<string, string>;

const catalogs: Record<Lang, Messages> = { 'zh-CN': zhCN, en };
const LANG_KEY = 'edm.lang';

/** "Hello {name}" + {name: 'Li'} -> "Hello Li"; a missing key shows the key itself (and is caught by the i18n test). */
export function translate(messages: Messages, key: string, vars?: Record<string, string | number>) {
  const text = messages[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: string, vars?: Record<string, string | number>) => string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  const stored = typeof localStorage !== 'undefined' ? localStorage.getItem(LANG_KEY) : null;
  return stored === 'en' || stored === 'zh-CN' ? stored : 'zh-CN';
}

export function I18nProvider({ children, lang: fixed }: { children: ReactNode; lang?: Lang }) {
  const [lang, setLangState] = useState<Lang>(fixed ?? initialLang());
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem(LANG_KEY, next);
    document.documentElement.lang = next;
    setLangState(next);
  }, []);
  const value = useMemo<I18n>(
    () => ({ lang, setLang, t: (key, vars) => translate(catalogs[lang], key, vars) }),
    [lang, setLang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

export const allCatalogs = catalogs;
