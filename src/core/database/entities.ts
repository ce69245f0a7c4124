import { IDENTITY_ENTITIES } from '../../modules/identity/entities/index';

/** Every entity of every module: the data source needs them all; modules never import each other's. */
export const ALL_ENTITIES = [...IDENTITY_ENTITIES];
