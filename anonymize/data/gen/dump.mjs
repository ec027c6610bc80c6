import * as all from '@faker-js/faker';
import fs from 'fs';
const first = new Set(), last = new Set(), cities = new Set(), streetSuffix = new Set(), countries = new Set(), states = new Set(), prefixes = new Set();
const latin = /^[\p{Script=Latin}' .-]+$/u;
for (const [k, v] of Object.entries(all)) {
  if (!k.match(/^[a-z]{2}(_[A-Za-z]+)*$/) || typeof v !== 'object' || !v.person && !v.location) continue;
  if (k === 'en_BORK' || k==='en_AU_ocker' || k==='base') continue;
  const p = v.person || {};
  const add = (set, x) => { if (!x) return; const arr = Array.isArray(x) ? x : Object.values(x).flat(); for (const n of arr) if (typeof n === 'string' && latin.test(n)) set.add(n.trim()); };
  add(first, p.first_name); add(last, p.last_name); add(prefixes, p.prefix);
  const l = v.location || {};
  add(cities, l.city_name); add(streetSuffix, l.street_suffix); add(countries, l.country); add(states, l.state);
}
const w = (f, s) => fs.writeFileSync(f, [...s].filter(x=>x.length>1).sort().join('\n') + '\n');
w('first.txt', first); w('last.txt', last); w('cities.txt', cities); w('street_suffix.txt', streetSuffix); w('countries.txt', countries); w('states.txt', states); w('prefix.txt', prefixes);
console.log(first.size, last.size, cities.size, streetSuffix.size, countries.size, states.size, prefixes.size);
