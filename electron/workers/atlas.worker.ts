/** Worker: reads and parses a MITRE ATLAS.yaml into Assay's catalog shape (electron/host/atlas.ts). */
import { readAtlasFile } from '../host/atlas.ts';

export async function importAtlas(task: { path: string }) {
  return readAtlasFile(task.path);
}
