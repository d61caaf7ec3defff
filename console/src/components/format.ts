import dayjs from 'dayjs';

/** An api instant (ISO-8601) in the browser's time zone, or "–". */
export function formatTime(value: string | null | undefined) {
  return value ? dayjs(value).format('YYYY-MM-DD HH:mm') : '–';
}

export function formatSeconds(value: string | null | undefined) {
  return value ? dayjs(value).format('YYYY-MM-DD HH:mm:ss') : '–';
}
