# Finds mspinn's dependencies and gathers them in one interface target, mspinn_deps.
# Used both by the build tree and by the installed mspinnConfig.cmake.
# PETSc, HDF5 (OpenMPI build) and OpenBLAS come through pkg-config; Debian's petsc.pc lacks the
# MPI and HDF5 include paths, so MPI comes through find_package and HDF5 through hdf5-openmpi.pc.
find_package(PkgConfig REQUIRED)
pkg_check_modules(MSPINN_PETSC REQUIRED IMPORTED_TARGET GLOBAL petsc)
pkg_check_modules(MSPINN_HDF5 REQUIRED IMPORTED_TARGET GLOBAL hdf5-openmpi)
pkg_check_modules(MSPINN_OPENBLAS REQUIRED IMPORTED_TARGET GLOBAL openblas)
pkg_check_modules(MSPINN_FFTW REQUIRED IMPORTED_TARGET GLOBAL fftw3)
find_package(MPI REQUIRED COMPONENTS C)
# the HDF5 high-level library (dimension scales, H5DS) beside libhdf5 of the same build
find_library(MSPINN_HDF5_HL_LIBRARY hdf5_hl PATHS ${MSPINN_HDF5_LIBRARY_DIRS} NO_DEFAULT_PATH REQUIRED)
find_path(MATHEVAL_INCLUDE_DIR matheval.h REQUIRED)
find_library(MATHEVAL_LIBRARY matheval REQUIRED)
if(NOT TARGET mspinn_deps)
  add_library(mspinn_deps INTERFACE)
  target_link_libraries(mspinn_deps INTERFACE PkgConfig::MSPINN_PETSC PkgConfig::MSPINN_HDF5
                        PkgConfig::MSPINN_OPENBLAS PkgConfig::MSPINN_FFTW MPI::MPI_C ${MSPINN_HDF5_HL_LIBRARY} ${MATHEVAL_LIBRARY} m)
  target_include_directories(mspinn_deps INTERFACE ${MATHEVAL_INCLUDE_DIR})
endif()
