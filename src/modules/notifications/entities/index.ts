import { Notification } from './notification.entity';

export { Notification };
export const NOTIFICATION_ENTITIES = [Notification];
