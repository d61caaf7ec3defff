// Messages of the developer pages (zh-CN). Keys start with "developer.".
const messages: Record<string, string> = {
};

export default messages;
