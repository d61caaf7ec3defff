import { api } from '../../api/client';
import type { SenderService } from './types';

/** Unfreezing clears the freeze and the failure streak and tells the service's workflow to reload. */
export const unfreeze = (id: number) => api.post<SenderService>(`/v1/admin/sender-services/${id}/unfreeze`);
