import { config } from '#shared/platform/config';

/** The metadata limits in force, from configuration (documented defaults in docs/configuration.md). */
export interface MetadataLimits {
  maxKeys: number;
  maxValueBytes: number;
  maxDepth: number;
}

export const metadataLimits: MetadataLimits = {
  maxKeys: config.METADATA_MAX_KEYS,
  maxValueBytes: config.METADATA_MAX_VALUE_BYTES,
  maxDepth: config.METADATA_MAX_DEPTH,
};
