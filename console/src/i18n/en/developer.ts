// Messages of the developer pages (en). Keys start with "developer.".
const messages: Record<string, string> = {
};

export default messages;
