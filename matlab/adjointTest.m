function [passed,relErr] = adjointTest(J,Jt,v,u,tol)
% [passed,relErr] = adjointTest(J,Jt,v,u,tol)
%
% Adjoint (dot-product) test that Jt is the transpose of J (slide
% "Testing", 2.): for arbitrary v and u, in exact arithmetic
%
%   u'*(J*v) = v'*(J'*u)
%
% relErr = |u'*(J*v) - v'*(J'*u)| / max(|u'*(J*v)|, |v'*(J'*u)|).
% The course's test fails above 1e-12 (relErr only). Here (the same rule and
% constants as adjointTest in checkDerivative.py) the default tolerance
% follows the precision: 1e4*eps (2.2e-12 in double, 1.2e-3 in single, eps
% of single only when J*v and J'*u are both single), and with the default
% the test also passes when
%
%   |u'*(J*v) - v'*(J'*u)| <= normTol*eps*max(||u||*||J*v||, ||v||*||J'*u||):
%
% the rounding of a dot product is relative to the norms of its factors, so
% when u happens to be nearly orthogonal to J*v, relErr alone can exceed
% 1e4*eps for a right transpose. A tolerance given by the caller is applied
% to relErr alone.
%
% Inputs:
%   J   - function handle @(v) J*v
%   Jt  - function handle @(u) J'*u
%   v   - array in the domain of J (any shape J accepts)
%   u   - array in the domain of Jt, numel(u) = numel(J(v))
%   tol - relative tolerance (default: 1e4*eps, with the norm rule above)
%
% Outputs:
%   passed - relErr <= tol (or, with the default tol, the norm rule above)
%   relErr - relative difference of the two inner products
%
% Called with no arguments, runs a minimal example.

relTol  = 1e4;   % default tolerance: relErr <= relTol*eps
normTol = 10;    % default tolerance: |u'Jv - v'J'u| <= normTol*eps*||u||*||Jv|| is rounding too

if nargin==0, runMinimalExample; return; end

Jv  = J(v);
Jtu = Jt(u);
a = u(:)'*Jv(:);
t = Jtu(:)'*v(:);
relErr = abs(a-t)/max([abs(a), abs(t), realmin(class(a))]);
if nargin<5 || isempty(tol)
    epsJ = eps('double');     % eps of single only when J*v and J'*u are both single
    if isa(Jv,'single') && isa(Jtu,'single'), epsJ = eps('single'); end
    tol = relTol*epsJ;
    norms = max(norm(u(:))*norm(Jv(:)), norm(v(:))*norm(Jtu(:)));
    passed = relErr <= tol || abs(a-t) <= normTol*epsJ*norms;
else
    passed = relErr <= tol;
end
end

function runMinimalExample
A = reshape(0:11,3,4);
[passed,relErr] = adjointTest(@(v) A*v, @(u) A'*u, randn(4,1), randn(3,1));
fprintf('A and A'':          relative error %1.2e, passed %d\n', relErr, passed);
[passed,relErr] = adjointTest(@(v) A*v, @(u) 1.01*A'*u, randn(4,1), randn(3,1));
fprintf('A and 1.01*A'':     relative error %1.2e, passed %d\n', relErr, passed);
end
