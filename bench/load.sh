#!/usr/bin/env bash
# The load harness in one command: starts Azurite (unless running), runs bench/Licensing.LoadTest in Release
# (functions/Licensing.LocalHost in-process, a realistic population, the two floors, validate, a hot spot, optional soak), stops
# what it started; prints "validate/framework ratio" (from alternating 1 s rounds of ping and validate, docs/performance.md) and
# "validate/floor ratio". Pass options through, e.g.: bench/load.sh --concurrency 32 --seconds 20 --soak-seconds 120
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$ROOT"
trap 'stop_started' EXIT
# LICENSING_TEST_STORAGE names an Azurite already running (as for the tests); otherwise one on the default ports.
[ -n "${LICENSING_TEST_STORAGE:-}" ] || start_azurite memory
dotnet build bench/Licensing.LoadTest/Licensing.LoadTest.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet bench/Licensing.LoadTest/bin/Release/net10.0/Licensing.LoadTest.dll "$@"
