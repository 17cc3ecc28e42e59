// Annulus 0.5 < r < 1, inner circle tagged 1, outer circle tagged 2 (different boundary data per
// label): mesh for problems/poisson_annulus.opts.
// Regenerate: gmsh -2 -format msh22 annulus.geo -o annulus.msh
h = 0.06;
Point(1) = {0, 0, 0, h};
Point(2) = {1, 0, 0, h};
Point(3) = {-1, 0, 0, h};
Point(4) = {0.5, 0, 0, h};
Point(5) = {-0.5, 0, 0, h};
Circle(1) = {2, 1, 3};
Circle(2) = {3, 1, 2};
Circle(3) = {4, 1, 5};
Circle(4) = {5, 1, 4};
Curve Loop(1) = {1, 2};
Curve Loop(2) = {3, 4};
Plane Surface(1) = {1, 2};
Physical Curve("inner", 1) = {3, 4};
Physical Curve("outer", 2) = {1, 2};
Physical Surface("domain", 10) = {1};
