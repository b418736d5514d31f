/** Options shared by the code generators. */
export type CodegenDtype = 'bf16' | 'fp16';
export const DTYPES: readonly CodegenDtype[] = ['bf16', 'fp16'];

export interface CodegenOptions {
  /** Element type of X, Ŵ, X̂ and Z on the GPU (fp32 accumulation throughout). */
  readonly dtype: CodegenDtype;
}
