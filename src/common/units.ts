// A unit that is a multiple of a mass or a volume ("90 KG", "400 G", "500 ML", "L"): the price per
// kg or per litre is price / factor. Never between mass and volume; other units ("Bunch", "Unit",
// "Dozen") have none.
export function perBaseUnit(unit: string): { base: 'kg' | 'l'; factor: number } | null {
  const m = /^\s*(\d+(?:\.\d+)?)?\s*(KG|G|MT|L|ML|CL)\s*$/i.exec(unit);
  if (!m) return null;
  const n = m[1] ? Number(m[1]) : 1;
  if (!(n > 0)) return null;
  switch (m[2].toUpperCase()) {
    case 'KG':
      return { base: 'kg', factor: n };
    case 'G':
      return { base: 'kg', factor: n / 1000 };
    case 'MT':
      return { base: 'kg', factor: n * 1000 };
    case 'L':
      return { base: 'l', factor: n };
    case 'ML':
      return { base: 'l', factor: n / 1000 };
    case 'CL':
      return { base: 'l', factor: n / 100 };
    default:
      return null;
  }
}

// The price per kg or per litre of a value in `unit`, with the conversion said in words (null
// when the unit is no multiple of a mass or a volume).
export function pricePerBaseUnit(
  value: number,
  unit: string,
): { value: number; unit: 'kg' | 'l'; conversion: string } | null {
  const b = perBaseUnit(unit);
  if (!b) return null;
  return {
    value: value / b.factor,
    unit: b.base,
    conversion:
      b.factor === 1
        ? `${unit} is 1 ${b.base}`
        : `price / ${b.factor} (${unit} = ${b.factor} ${b.base})`,
  };
}
