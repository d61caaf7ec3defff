// Developer pages: sending domains, mailboxes, API keys, message log. Every signed-in user may use them
// (roles: EVERYONE). Messages go to src/i18n/<lang>/developer.ts with keys "developer.*".
import type { ConsoleRoute } from '../types';

export const developerRoutes: ConsoleRoute[] = [];
