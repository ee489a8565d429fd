#pragma once
// Device-file texts for tst_whatif, kept out of the test's own file: moc
// cannot parse raw string literals that hold quotes.
inline const char* const k_fixture[] = {
    R"({"devices": [
            {"name": "h100 sxm", "price_per_hour": 1.25},
            {"name": "My box", "vendor": "me", "kind": "cpu", "year": 2024, "status": "shipping",
             "memory_gb": 64, "bandwidth_gb_s": 60, "source": "https://example.org/me", "source_date": "2026-11"}]})",
    R"("vendor": "me", "kind": "workstation", "year": 2025, "status": "shipping", "memory_gb": 24, "source": "https://example.org", "source_date": "2026-01")",
    R"({"devices": [{"name": "Fine", %1, "bandwidth_gb_s": 100},
                                              {"name": "My GPU", %1, "bandwidth_gb_s": -5}]})",
    R"({"devices": [{"name": "Fast", %1, "bandwidth_gb_s": 8000000}]})",
    R"({"devices": [{"name": "Typo", %1, "bandwith_gb_s": 100}]})",
    R"({"devices": [{"name": "Nosrc", "vendor": "me", "kind": "cpu", "year": 2025, "status": "shipping", "memory_gb": 24, "bandwidth_gb_s": 50, "source": "", "source_date": "2026-01"}]})",
    R"({"devices": [{"name": "Str", %1, "bandwidth_gb_s": "fast"}]})",
    R"({"devices": [{"name": "Soon", %1, "bandwidth_gb_s": 100}]})",
    R"({"devices": [{"name": "B200", "power_w": 900},
                                                                 {"name": "b200", "power_w": 950}]})",
    R"({"devices": [{"name": "B300", "price_per_hour": -1}]})",
    R"({"devices": [{"name": "RTX 4090", "price_per_hour": 0.4}]})",
    R"({"devices": [{"name": "RTX 4090", "memory_gb": 0}]})",
};
