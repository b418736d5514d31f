/** Options shared by the code generators. */
export type CodegenDtype = 'bf16' | 'fp16';
export const DTYPES: readonly CodegenDtype[] = ['bf16', 'fp16'];

/** Products in another type than --dtype: FP8 e4m3 with per-product scales (the Triton target). */
export type ProductDtype = 'fp8-e4m3';
export const PRODUCT_DTYPES: readonly ProductDtype[] = ['fp8-e4m3'];

export interface CodegenOptions {
  /** Element type of X, Ŵ, X̂ and Z on the GPU (fp32 accumulation throughout). */
  readonly dtype: CodegenDtype;
  /** Adds the FP8-product functions to targets that have them (triton); absent: products in dtype. */
  readonly productDtype?: ProductDtype;
}
