/** The scripts a published reframer keeps: each runs inside the installed package from what it ships. */
export declare const PUBLISHED_SCRIPTS: string[];
/** Writes the published manifest over `dir`/package.json, keeping the original in `dir`/.cache. */
export declare function strip(dir: string): void;
/** Puts the original package.json back, if strip() saved one; returns whether it did. */
export declare function restore(dir: string): boolean;
