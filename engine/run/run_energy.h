#pragma once
// Energy and cost of a run as figures in its record: the energy the
// hardware counters saw (telemetry/energy.h) over the whole run, per token
// processed (prompt and generated), and, given a price per device-hour,
// what a million generated tokens cost at the run's decode speed.
#include "store/run.h"
#include "telemetry/energy.h"

#include <string>

namespace moe {

// Fills the energy figures from a reading over the run; an empty reading
// leaves them empty with its reasons as the note.
void record_energy(RunRecord& r, const EnergyReading& e);

// Sets the price and the cost per million generated tokens it gives at the
// run's decode tokens/s (no cost for a run that decoded nothing).
void record_price(RunRecord& r, double price_per_hour);

// The price per hour the user set for the machine a run used: the entry of
// the device catalogue (whatif/catalog.h, the user's file included) named as
// the run's GPU or CPU; 0 when there is none.
double price_for_run(const RunRecord& r);

} // namespace moe
