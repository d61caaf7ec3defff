import common from './common';
import operator from './operator';
import admin from './admin';
import developer from './developer';

export default { ...common, ...operator, ...admin, ...developer } as Record<string, string>;
