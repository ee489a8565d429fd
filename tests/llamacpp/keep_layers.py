#!/usr/bin/python3
"""Copy a GGUF model keeping only its first N blocks (for benchmarks that need a
mid-size file of a real shape, quantized to many types in reasonable time).

    tests/llamacpp/keep_layers.py IN.gguf OUT.gguf N

Every metadata key is copied; `<arch>.block_count` becomes N; tensors named
`blk.<i>.*` with i >= N are dropped. Uses gguf-py from the llama.cpp bundle
(setup.sh's source clone, or $GGUF_PY) and Debian's python3-numpy."""

import os
import sys


def gguf_py_path():
    here = os.path.dirname(os.path.abspath(__file__))
    for p in (os.environ.get("GGUF_PY", ""), "/work/llama-src/gguf-py",
              os.path.join(here, "../../build-llamacpp/src/gguf-py")):
        if p and os.path.isdir(p):
            return p
    sys.exit("keep_layers: gguf-py not found; set GGUF_PY to the llama.cpp source's gguf-py folder")


sys.path.insert(0, gguf_py_path())
import gguf  # noqa: E402


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    src, dst, keep = sys.argv[1], sys.argv[2], int(sys.argv[3])
    r = gguf.GGUFReader(src)
    arch = r.fields["general.architecture"].contents()
    n_layer = r.fields[f"{arch}.block_count"].contents()
    if not 0 < keep <= n_layer:
        sys.exit(f"keep_layers: {src} has {n_layer} blocks; cannot keep {keep}")
    w = gguf.GGUFWriter(dst, arch)
    for name, field in r.fields.items():
        if name.startswith("GGUF.") or name == "general.architecture":
            continue
        vtype = field.types[0]
        value = keep if name == f"{arch}.block_count" else field.contents()
        if vtype == gguf.GGUFValueType.ARRAY:
            w.add_key_value(name, value, vtype, sub_type=field.types[-1])
        else:
            w.add_key_value(name, value, vtype)
    kept = 0
    for t in r.tensors:
        parts = t.name.split(".")
        if parts[0] == "blk" and int(parts[1]) >= keep:
            continue
        w.add_tensor(t.name, t.data, raw_dtype=t.tensor_type)
        kept += 1
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print(f"keep_layers: {dst}: {keep} of {n_layer} blocks, {kept} tensors")


if __name__ == "__main__":
    main()
