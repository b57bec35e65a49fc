/** The review page's script (being written). */
export {};
