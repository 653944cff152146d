// The pasted API key lives in sessionStorage only: gone when the tab closes, never sent anywhere but the
// Authorization header, never logged.
const KEY_ITEM = 'distill.apiKey';

export const loadKey = (): string | null => sessionStorage.getItem(KEY_ITEM);
export const saveKey = (key: string): void => sessionStorage.setItem(KEY_ITEM, key);
export const clearKey = (): void => sessionStorage.removeItem(KEY_ITEM);
export const looksLikeKey = (text: string): boolean => /^fini_[0-9A-Za-z]{20,}$/.test(text.trim());
