function [passed,T] = checkDerivative(fun,x0,v,nSteps)
% [passed,T] = checkDerivative(fun,x0,v,nSteps)
%
% Taylor test of a derivative (slide "Testing", 1.). For a direction v and
% h = 2^-1, 2^-2, ..., 2^-nSteps:
%
%   E0(h) = || f(x0+h*v) - f(x0) ||                       = O(h)    (any f)
%   E1(h) = || f(x0+h*v) - f(x0) - h*J*v ||               = O(h^2)  (iff J is right)
%   E2(h) = | f(x0+h*v) - f(x0) - h*J*v - h^2/2*v'*H*v |  = O(h^3)  (iff H is the Hessian)
%
% so halving h divides E1 by 4 (order 2) when J is the derivative, and only
% by 2 (order 1) when it is not. A Gauss-Newton H is not the Hessian: its
% E2 stays order 2.
%
% Verdict (the same rule and constants as checkDerivative.py). The rounding
% model of step k is eps*(||f(x0)|| + ||f(x0+h*v)||) (eps of single only when
% f and J*v are both single). The noise floor is plateau x the rounding
% plateau E1 reaches at the smallest h (the largest E1 of the plateauSteps
% smallest h), kept within [noiseMin, noiseFactor] x the model; it may exceed
% noiseFactor x the model only when the plateau is flat (the median of its
% first half is less than twice that of its second half, where even a wrong
% derivative's E1 ~ h falls by 2^4): noise the model underestimates, as for an
% f computed with cancellation. The model alone (noiseFactor = 100) would
% hide most of the h^2 range in single precision. A step is usable when E1 is
% above the noise floor. Then:
%  - passed is true when the observed orders log2(E1(h_{k-1})/E1(h_k))
%    between consecutive usable steps are >= orderMin for the last
%    lastPairs such pairs;
%  - when no order can be measured (no two usable steps in a row), passed is
%    true only if E1 is at the noise for every h <= h_k (h_k: the step after
%    the last usable one) while the noise there is below linearTol*E0(h_k):
%    f is linear at that scale and J*v matches its difference quotient (a
%    linear f; a kink crossed by the largest h only). A derivative off by a
%    relative error r has E1 ~ r*E0 there, so it passes only if r < linearTol.
% The table T does not depend on the verdict. The course's checkDerivative
% prints the table and draws a log-log plot, leaving the verdict to the
% reader; this one prints the table and the verdict and draws nothing.
%
% Inputs:
%   fun    - function handle, [f,dF] = fun(x) or [f,dF,d2F] = fun(x) where
%            f is a scalar or an array; dF is a function handle @(v) J*v,
%            or the gradient (f scalar, same number of entries as x), or the
%            Jacobian matrix (numel(f) x numel(x)); d2F (f scalar only,
%            optional) is a handle @(v) H*v or the Hessian matrix. fun(x0)
%            is first asked for three outputs; if that errors, for two
%   x0     - point, vector or matrix
%   v      - direction, same size as x0 (default: randn(size(x0)))
%   nSteps - number of step sizes h = 2^-k, k = 1..nSteps (default: 20)
%
% Outputs:
%   passed - true if E1 shows order 2 (see Verdict above)
%   T      - nSteps x 3 table [h E0 E1], or nSteps x 4 [h E0 E1 E2] when fun
%            returns a Hessian and f is scalar
%
% Called with no arguments, runs a minimal example (a right and a 1%-wrong
% gradient).

orderMin     = 1.8;   % observed order of E1 that counts as "2"
noiseFactor  = 100;   % E1 below noiseFactor*eps*(|f(x0)|+|f(x0+h*v)|) is rounding noise ...
noiseMin     = 3;     % ... or below plateau x the rounding plateau E1 reaches at the smallest h,
plateau      = 10;    %     when that is lower, but never below noiseMin*eps*(|f(x0)|+|f(x0+h*v)|)
plateauSteps = 8;     % the rounding plateau: the largest E1 of the 8 smallest h
linearTol    = 1e-3;  % no order measurable: E1 at the noise for all h <= h_k, noise < linearTol*E0(h_k)
lastPairs    = 3;     % the verdict reads the orders of this many smallest usable steps

if nargin==0, runMinimalExample; return; end
if nargin<3 || isempty(v), v = randn(size(x0)); end
if nargin<4 || isempty(nSteps), nSteps = 20; end

[f,dF,d2F] = evaluateDerivatives(fun,x0);
if isa(dF,'function_handle')
    Jv = dF(v);
elseif numel(f)==1
    Jv = dF(:)'*v(:);                     % gradient
else
    Jv = reshape(dF*v(:),size(f));        % Jacobian matrix
end
doHessian = ~isempty(d2F) && numel(f)==1;
if doHessian
    if isa(d2F,'function_handle')
        Hv = d2F(v);
    else
        Hv = d2F*v(:);
    end
    vHv = v(:)'*Hv(:);
end

% eps of the precision f and J*v are computed in: single only when both are
epsF = eps('double');
if isa(f,'single') && isa(Jv,'single'), epsF = eps('single'); end

T     = zeros(nSteps, 3 + doHessian);
model = zeros(nSteps,1);             % the rounding model eps*(|f(x0)| + |f(x0+h*v)|)
for k=1:nSteps
    h  = 2^(-k);
    [ft,~] = fun(x0 + h*v);      % two outputs: fun may be built with deal
    T(k,1:3) = [h, norm(ft(:)-f(:)), norm(ft(:)-f(:)-h*Jv(:))];
    if doHessian
        T(k,4) = abs(ft - f - h*Jv - h^2/2*vHv);
    end
    model(k) = epsF*(norm(f(:)) + norm(ft(:)));
end

noise  = noiseFloor(T(:,3), model, noiseFactor, noiseMin, plateau, plateauSteps);
usable = T(:,3) > noise;
order1 = pairOrders(T(:,3), usable);
pairs  = order1(~isnan(order1));
last   = pairs(max(1,end-lastPairs+1):end);   % the orders over the smallest usable steps
if ~isempty(last)
    passed = all(last >= orderMin);
else            % no order measurable: E1 must vanish into the noise with J*v verified
    [k,passed] = linearTail(T, usable, noise, linearTol);
end
printTable(T,noise,order1,usable,lastPairs);
if isempty(last) && passed
    fprintf(['PASSED: E1 is at the rounding noise for every h <= %.3g ' ...
             '(f is linear there and J*v matches its difference quotient)\n'], T(k,1));
elseif isempty(last)
    fprintf(['FAILED: no order of E1 can be measured and J*v is not verified at the ' ...
             'noise (E0 too small); try another v or more steps\n']);
else
    verdict = {'FAILED','PASSED'};
    fprintf('%s: order of E1 over the last usable steps [%s] (need >= %g)\n', ...
        verdict{passed+1}, sprintf(' %1.2f',last), orderMin);
end
end

function noise = noiseFloor(E1,model,noiseFactor,noiseMin,plateau,plateauSteps)
% where E1 is rounding noise: plateau x the plateau E1 shows at the smallest
% h (its largest value over the plateauSteps smallest h), kept within
% [noiseMin, noiseFactor] x the rounding model; above noiseFactor x the model
% only when the plateau is flat (median of its first half < 2 x median of its
% second half; E1 ~ h of a wrong derivative falls by 2^4 there)
tail = E1(max(1,end-plateauSteps+1):end);
half = floor(numel(tail)/2);
flat = median(tail(1:half)) < 2*median(tail(half+1:end));
if flat
    ceiling = Inf;
else
    ceiling = noiseFactor*model;
end
noise = min(max(plateau*max(tail), noiseMin*model), ceiling);
end

function [k,verified] = linearTail(T,usable,noise,linearTol)
% step k from which E1 is at the noise for every smaller h (the step after
% the last usable one), and whether J*v is verified there: E1 <= noise for
% all h <= h_k means J*v matches (f(x0+h*v)-f(x0))/h to noise/E0(h_k), so a
% derivative off by a relative error r passes only if r < linearTol
k = find(usable, 1, 'last');
if isempty(k), k = 1; else, k = k + 1; end
if k > numel(usable)
    verified = false;
    return
end
E = T(k:end,2:3);
verified = all(E(:)==0) || noise(k) < linearTol*T(k,2);
end

function order = pairOrders(E,usable)
% log2(E(k-1)/E(k)) where steps k-1 and k are both usable, NaN elsewhere
order = NaN(size(E));
both  = [false; usable(2:end) & usable(1:end-1)];
prev  = [both(2:end); false];
order(both) = log2(E(prev)./E(both));
end

function [f,dF,d2F] = evaluateDerivatives(fun,x)
% f, dF and, when fun returns one, d2F ([] otherwise). nargout(fun) is no
% help for anonymous functions, so ask for three outputs and fall back to
% two (an error that is not about the number of outputs is raised again
% by the second call).
d2F = [];
try
    [f,dF,d2F] = fun(x);
catch
    [f,dF] = fun(x);
end
end

function printTable(T,noise,order1,usable,lastPairs)
% the table of the course, with the observed orders
names = {'E0','E1','E2'}; nE = size(T,2)-1;
orders = NaN(size(T,1),nE);
orders(:,1) = pairOrders(T(:,2), T(:,2) > noise);
orders(:,2) = order1;
if nE==3, orders(:,3) = pairOrders(T(:,4), T(:,4) > noise); end
fprintf('%10s', 'h', names{1:nE});
orderNames = strcat({'order '},names(1:nE));
fprintf('%10s', orderNames{:});
fprintf('\n');
for k=1:size(T,1)
    fprintf('%10.3e', T(k,:));
    fprintf('%10.2f', orders(k,:));
    if ~usable(k), fprintf('  (E1 at noise)'); end
    fprintf('\n');
end
if nE==3
    o2 = orders(~isnan(orders(:,3)),3);
    o2 = o2(max(1,end-lastPairs+1):end);
    if ~isempty(o2)
        fprintf(['order of E2 [%s]: 3 if the Hessian is exact, 2 for an approximation ' ...
                 'such as Gauss-Newton\n'], sprintf(' %1.2f',o2));
    end
end
end

function runMinimalExample
% f(x) = 0.5*x'*A*x - sum(sin(x)), gradient A*x - cos(x), Hessian A + diag(sin(x))
A  = diag(1:4);
fun = @(x) quadratic(x,A,1);
x0 = (1:4)'; v = ones(4,1);
disp('Right gradient and Hessian (E1 order 2, E2 order 3):');
passedRight = checkDerivative(fun, x0, v, 10);
disp('Gradient 1% off (E1 order 1):');
passedWrong = checkDerivative(@(x) quadratic(x,A,1.01), x0, v, 10);
fprintf('right gradient passed: %d, wrong gradient passed: %d\n', passedRight, passedWrong);
end

function [f,g,H] = quadratic(x,A,scale)
f = 0.5*x'*A*x - sum(sin(x));
g = scale*(A*x - cos(x));
H = A + diag(sin(x));
end
