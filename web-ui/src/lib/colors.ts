const PALETTE = ['blue', 'teal', 'orange', 'grape', 'pink', 'cyan', 'lime', 'indigo', 'yellow', 'red'];

/** A stable Mantine color name for a variant, by its position among the flag's variants. */
export function variantColor(variant: string, variants: string[]): string {
  const i = variants.indexOf(variant);
  if (i >= 0) return PALETTE[i % PALETTE.length];
  let h = 0;
  for (const ch of variant) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

export const cssColor = (name: string, shade = 6) => `var(--mantine-color-${name}-${shade})`;
