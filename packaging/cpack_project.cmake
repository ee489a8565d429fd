# Read by cpack (CPACK_PROJECT_CONFIG_FILE) when it builds the package.
if(CPACK_MOE_CUDA_ENABLED)
  message(FATAL_ERROR "This build tree has the CUDA backend; the Debian package is CPU-only, "
                      "so that it installs where no NVIDIA libraries are: package a CPU-only "
                      "build, e.g. `make package BUILD_DIR=build-cpu CMAKE_FLAGS=-DMOE_CUDA=OFF`.")
endif()
