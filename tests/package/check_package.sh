#!/usr/bin/env bash
# The Debian package as apt would see it: builds it from this build tree with
# cpack (a few seconds: the programs are already built), then checks its
# control fields, its files, its desktop entry and metainfo, lintian's verdict
# where lintian is installed, and runs the unpacked moe-cli and moe-workbench
# from the installed paths. Exit 77 (skipped) where no package can be built.
set -uo pipefail
build=$1 # the build tree (CPackConfig.cmake)
work=$2  # scratch directory, emptied first

skip() {
    echo "SKIP: $*"
    exit 77
}
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
pass() { echo "ok: $*"; }

command -v dpkg-deb >/dev/null || skip "dpkg-deb not found (not a Debian system)"
command -v dpkg-shlibdeps >/dev/null || skip "dpkg-shlibdeps not found (dpkg-dev)"
grep -q 'CPACK_MOE_CUDA_ENABLED "ON"' "$build/CPackConfig.cmake" &&
    skip "this build has the CUDA backend; the package is CPU-only (make package)"

rm -rf "$work" && mkdir -p "$work"
start=$(date +%s)
if ! cpack -G DEB -B "$work" --config "$build/CPackConfig.cmake" >"$work/cpack.log" 2>&1; then
    cat "$work/cpack.log"
    echo "FAIL: cpack could not build the package"
    exit 1
fi
deb=$(ls "$work"/moe-workbench_*_amd64.deb 2>/dev/null | head -1)
[ -n "$deb" ] || {
    cat "$work/cpack.log"
    echo "FAIL: no moe-workbench_*_amd64.deb in $work"
    exit 1
}
echo "built $(basename "$deb"): $(stat -c %s "$deb") bytes in $(($(date +%s) - start)) s"

# control fields
field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = moe-workbench ] && pass "Package" || fail "Package is '$(field Package)'"
[ "$(field Section)" = science ] && pass "Section" || fail "Section is '$(field Section)'"
depends=$(field Depends)
echo "Depends: $depends"
for lib in libc6 libstdc++6 libqt6core6 libqt6gui6 libqt6widgets6 libqt6charts6 libqt6svg6 libsqlite3-0 \
    libspdlog1.10-fmt9 libfmt9 libzstd1 libpcre2-8-0 libxxhash0 libutf8proc2; do
    sed 's/ *([^)]*)//g; s/, */\n/g; s/ *| */\n/g' <<<"$depends" | grep -qxF "$lib" && pass "depends on $lib" ||
        fail "Depends lacks $lib"
done
grep -Eqi 'cuda|cublas|nvidia' <<<"$depends" && fail "Depends names CUDA: $depends" || pass "no CUDA dependency"
grep -q 'fonts-noto-cjk' <<<"$(field Recommends)" && pass "recommends a CJK font" || fail "Recommends lacks fonts-noto-cjk"

# files
contents=$(dpkg-deb --contents "$deb" | awk '{print $6}')
for f in ./usr/bin/moe-workbench ./usr/bin/moe-cli \
    ./usr/share/moe-workbench/models/shakespeare-moe.gguf ./usr/share/moe-workbench/models/MODEL_CARD.md \
    ./usr/share/moe-workbench/translations/moe-workbench_de.qm \
    ./usr/share/moe-workbench/translations/moe-workbench_zh_CN.qm \
    ./usr/share/applications/io.github.moeworkbench.MoEWorkbench.desktop \
    ./usr/share/metainfo/io.github.moeworkbench.MoEWorkbench.metainfo.xml \
    ./usr/share/icons/hicolor/scalable/apps/moe-workbench.svg \
    ./usr/share/doc/moe-workbench/copyright ./usr/share/doc/moe-workbench/changelog.Debian.gz; do
    grep -qx "$f" <<<"$contents" && pass "has $f" || fail "lacks $f"
done
if command -v help2man >/dev/null; then
    for f in ./usr/share/man/man1/moe-cli.1.gz ./usr/share/man/man1/moe-workbench.1.gz; do
        grep -qx "$f" <<<"$contents" && pass "has $f" || fail "lacks $f"
    done
fi
# nothing outside /usr, nothing of the build tree, no test programs
outside=$(grep -v -E '^\./(usr/?.*)?$' <<<"$contents")
[ -z "$outside" ] && pass "everything under /usr" || fail "files outside /usr: $outside"
grep -Eq '/(tst|bench)_[^/]*$|\.a$|\.h$' <<<"$contents" && fail "test programs or build files packaged" ||
    pass "no test programs or build files"

# unpacked, the programs run from their installed paths with the system's libraries
root=$work/root
dpkg-deb -x "$deb" "$root"
export XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data QT_QPA_PLATFORM=offscreen
info=$("$root/usr/bin/moe-cli" info "$root/usr/share/moe-workbench/models/shakespeare-moe.gguf" 2>&1)
grep -q qwen3moe <<<"$info" && pass "moe-cli info on the installed demo model" ||
    fail "moe-cli info on the installed demo model: $info"
# the installed translations, found from the executable (../share/moe-workbench/translations)
de=$(LANGUAGE= LC_ALL=de_DE.UTF-8 "$root/usr/bin/moe-workbench" --help 2>/dev/null)
grep -q 'Mixture-of-Experts-Modell chatten' <<<"$de" && pass "moe-workbench --help in German" ||
    fail "moe-workbench --help under de_DE is not German: $de"
zh=$(LANGUAGE= LC_ALL=zh_CN.UTF-8 "$root/usr/bin/moe-workbench" --help 2>/dev/null)
grep -q '混合专家' <<<"$zh" && pass "moe-workbench --help in Chinese" ||
    fail "moe-workbench --help under zh_CN is not Chinese: $zh"
en=$(LANGUAGE= LC_ALL=C.UTF-8 "$root/usr/bin/moe-workbench" --help 2>/dev/null)
grep -q 'Chat with a mixture-of-experts model' <<<"$en" && pass "moe-workbench --help in English" ||
    fail "moe-workbench --help under C is not English: $en"

# the desktop entry, the metainfo and the package, by Debian's own tools where installed
if command -v desktop-file-validate >/dev/null; then
    out=$(desktop-file-validate "$root"/usr/share/applications/*.desktop 2>&1)
    [ -z "$out" ] && pass "desktop-file-validate" || fail "desktop-file-validate: $out"
else
    echo "not checked: desktop-file-validate (desktop-file-utils) not installed"
fi
if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net "$root"/usr/share/metainfo/*.metainfo.xml >"$work/appstream.log" 2>&1 &&
        pass "appstreamcli validate" || fail "appstreamcli validate: $(cat "$work/appstream.log")"
else
    echo "not checked: appstreamcli (appstream) not installed"
fi
if command -v lintian >/dev/null; then
    lintian --no-tag-display-limit "$deb" >"$work/lintian.log" 2>&1
    cat "$work/lintian.log"
    grep -q '^E:' "$work/lintian.log" && fail "lintian reports errors" || pass "lintian: no errors"
else
    echo "not checked: lintian not installed"
fi

echo "$failures failures"
[ "$failures" -eq 0 ]
