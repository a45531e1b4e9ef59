export declare const root: string;
export declare const electronPackageDir: string;
export declare function platformExecutable(platform?: NodeJS.Platform | 'mas'): string;
export declare function electronVersion(): string | null;
export declare function findElectronBinary(): { path: string | null; expected: string };
