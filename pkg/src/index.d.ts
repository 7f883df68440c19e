// Type declarations of the public surface of the `paysg` package.

/** The SDK version, e.g. `"0.1.0"`. */
export declare function version(): string;
