#!/usr/bin/env bash
# Runs every test project of the solution (Release). Usage: ./test.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")"
results="${DWF_TEST_RESULTS:-$PWD/artifacts/test-results}"
mkdir -p "$results"
dotnet build Dwf.Generators.sln -c Release -warnaserror
dotnet test Dwf.Generators.sln -c Release --no-build \
  --logger "trx" --results-directory "$results" "$@"
