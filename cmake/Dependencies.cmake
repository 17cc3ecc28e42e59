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
find_path(MATHEVAL_INCLUDE_DIR matheval.h REQUIRED)
find_library(MATHEVAL_LIBRARY matheval REQUIRED)
if(NOT TARGET mspinn_deps)
  add_library(mspinn_deps INTERFACE)
  target_link_libraries(mspinn_deps INTERFACE PkgConfig::MSPINN_PETSC PkgConfig::MSPINN_HDF5
                        PkgConfig::MSPINN_OPENBLAS PkgConfig::MSPINN_FFTW MPI::MPI_C ${MATHEVAL_LIBRARY} m)
  target_include_directories(mspinn_deps INTERFACE ${MATHEVAL_INCLUDE_DIR})
endif()
